import { ObjectType } from 'type-graphql';
import { ClassNode } from './Class';
import { ImageNode } from './Image';
import { RelationNode } from './Relation';
import { ConnectionOf } from './connection';

@ObjectType()
export class ClassConnection extends ConnectionOf('Class', ClassNode) {}

@ObjectType()
export class ImageConnection extends ConnectionOf('Image', ImageNode) {}

@ObjectType()
export class RelationConnection extends ConnectionOf('Relation', RelationNode) {}
